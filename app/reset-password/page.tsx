import type { Metadata } from "next";
import { ResetPasswordForm } from "../_components/accounts/reset-password-form.tsx";

export const metadata: Metadata = { title: "Reset your password" };

export default function ResetPasswordPage() {
  return (
    <section aria-labelledby="reset-password-title">
      <h1 id="reset-password-title">Reset your password</h1>
      <ResetPasswordForm />
    </section>
  );
}
