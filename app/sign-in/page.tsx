import type { Metadata } from "next";
import { SignInForm } from "../_components/accounts/sign-in-form.tsx";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <section aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p className="lede">
        Welcome back. Sign in to keep your results across devices and to help verify charts.
      </p>
      <SignInForm />
    </section>
  );
}
