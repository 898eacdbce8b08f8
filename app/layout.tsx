import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { InstallButton, PwaBanners } from "./_components/pwa/pwa-client.tsx";
import { SiteNav } from "./_components/site-nav.tsx";
import { ApiProvider } from "./_components/trpc.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "BeatSight", template: "%s · BeatSight" },
  description: "Turn any song you own into a playable, verified drum chart — in your browser.",
  applicationName: "BeatSight",
  appleWebApp: { capable: true, title: "BeatSight", statusBarStyle: "black-translucent" },
  icons: { icon: "/icons/icon-192.png", apple: "/icons/apple-touch-icon.png" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#0f1115",
};

// Pages without per-request data stay prerendered: proxy.ts allows their inline scripts by hash
// (server/http/csp.ts). Pages rendered per request get the request's nonce from Next.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {/* The header's nav asks the API who is signed in, so it sits inside the provider too. */}
        <ApiProvider>
          <header className="site-header">
            <Link href="/" className="brand" aria-label="BeatSight home">
              <span aria-hidden="true" className="brand-mark">
                ◉
              </span>
              <span className="brand-name"> BeatSight</span>
            </Link>
            <div className="header-end">
              <SiteNav />
              <InstallButton />
            </div>
          </header>
          <PwaBanners />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </ApiProvider>
        <footer className="site-footer">
          <p>
            Your audio stays on your device unless you choose server processing.{" "}
            <Link href="/privacy">Privacy</Link> · <Link href="/health">Status</Link>
          </p>
        </footer>
      </body>
    </html>
  );
}
