"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "./trpc.tsx";

const links = [
  { href: "/", label: "Home" },
  { href: "/library", label: "Library" },
  { href: "/verify", label: "Verify" },
] as const;

export function SiteNav() {
  const pathname = usePathname();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  // The last item is the account: "Sign in" for visitors, the person's name once signed in.
  const account =
    me.data === null
      ? { href: "/sign-in", label: "Sign in", current: /^\/(sign-in|sign-up|reset-password)/.test(pathname) }
      : { href: "/me", label: me.data?.displayName ?? "Me", current: pathname.startsWith("/me") };
  return (
    <nav aria-label="Main" className="site-nav">
      <ul>
        {links.map(({ href, label }) => {
          const current = href === "/" ? pathname === "/" : pathname.startsWith(href);
          return (
            <li key={href}>
              <Link href={href} aria-current={current ? "page" : undefined}>
                {label}
              </Link>
            </li>
          );
        })}
        <li>
          <Link
            href={account.href}
            aria-current={account.current ? "page" : undefined}
            className="account"
            data-testid="nav-account"
          >
            {account.label}
          </Link>
        </li>
      </ul>
    </nav>
  );
}
