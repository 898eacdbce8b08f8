// Mail the app would have sent, for development without an SMTP server (server/mail/send-mail.ts
// keeps it in the dev_mail table, so every web process shows what any process sent). Off in
// production unless DEV_OUTBOX=1 (end-to-end tests).
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Fragment } from "react";
import { listOutbox, outboxPageEnabled } from "@/server/mail/outbox.ts";
import { getRuntime } from "@/server/runtime.ts";

export const metadata: Metadata = { title: "Outbox (development)", robots: { index: false } };
export const dynamic = "force-dynamic";

/** Plain text with its http(s) links clickable. */
function Linked({ text }: { text: string }) {
  const parts: { at: number; text: string }[] = [];
  let at = 0;
  for (const part of text.split(/(https?:\/\/[^\s<>"]+)/g)) {
    if (part) parts.push({ at, text: part });
    at += part.length;
  }
  return (
    <>
      {parts.map((p) =>
        /^https?:\/\//.test(p.text) ? (
          <a key={p.at} href={p.text}>
            {p.text}
          </a>
        ) : (
          <Fragment key={p.at}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}

export default async function OutboxPage() {
  if (!outboxPageEnabled()) notFound();
  const messages = await listOutbox((await getRuntime()).db);
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">Outbox</h1>
      <p className="lede">
        No mail server is configured (SMTP_URL), so email is kept here instead of being sent. Newest first.
      </p>
      {messages.length === 0 ? (
        <p className="empty-state">No email yet.</p>
      ) : (
        messages.map((m) => (
          <article key={m.id} className="card" aria-labelledby={`mail-${m.id}`}>
            <h2 id={`mail-${m.id}`}>{m.subject}</h2>
            <dl className="facts">
              <dt>To</dt>
              <dd data-testid="mail-to">{m.to}</dd>
              <dt>Sent</dt>
              <dd>{m.sentAt}</dd>
            </dl>
            <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              <Linked text={m.text} />
            </pre>
          </article>
        ))
      )}
    </section>
  );
}
