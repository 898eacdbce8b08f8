import type { Metadata } from "next";
import { SignInLinkForm } from "../_components/accounts/sign-in-link-form.tsx";

export const metadata: Metadata = { title: "Sign in with a link" };

export default function SignInLinkPage() {
  return (
    <section aria-labelledby="sign-in-link-title">
      <h1 id="sign-in-link-title">Sign in with a link</h1>
      <SignInLinkForm />
    </section>
  );
}
