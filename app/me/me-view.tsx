"use client";
// The account page's body: the account itself, then its data; after a deletion, only the farewell.
import { useState } from "react";
import { AccountView } from "../_components/accounts/account-view.tsx";
import { AccountData, AccountDeleted } from "./account-data.tsx";

export function MeView() {
  const [deleted, setDeleted] = useState(false);
  if (deleted) return <AccountDeleted />;
  return (
    <>
      <AccountView />
      <AccountData onDeleted={() => setDeleted(true)} />
    </>
  );
}
