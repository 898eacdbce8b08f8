import type { Metadata } from "next";
import { RolesAdmin } from "./roles-admin.tsx";

export const metadata: Metadata = { title: "Roles" };

export default function RolesPage() {
  return (
    <section aria-labelledby="roles-title">
      <h1 id="roles-title">Roles</h1>
      <p>
        Admins appoint curators and admins. Fixer, verifier and curator are also earned with karma; those
        cannot be granted or removed here. Every change is written to the audit log.
      </p>
      <RolesAdmin />
    </section>
  );
}
