import type { Metadata } from "next";
import { SignUpForm } from "../_components/accounts/sign-up-form.tsx";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <section aria-labelledby="sign-up-title">
      <h1 id="sign-up-title">Create an account</h1>
      <p className="lede">
        Practising works without an account; an account lets you propose fixes, vote and verify charts.
      </p>
      <SignUpForm />
    </section>
  );
}
