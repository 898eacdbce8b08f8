import type { Metadata } from "next";
import { VerifyEmailForm } from "../_components/accounts/verify-email-form.tsx";

export const metadata: Metadata = { title: "Confirm your email" };

export default function VerifyEmailPage() {
  return (
    <section aria-labelledby="verify-email-title">
      <h1 id="verify-email-title">Confirm your email</h1>
      <VerifyEmailForm />
    </section>
  );
}
