// Work a request starts but does not wait for. Sign-up, password reset and sign-in links answer the
// same words whether or not the address has an account; doing the part that depends on it (look
// the address up, write rows, send mail) after the answer makes their time the same too, and keeps
// a slow mail server out of it. A failure is logged: the person was told only to check their inbox.
import { moduleLogger } from "../log.ts";

const log = moduleLogger("after-answer");
const pending = new Set<Promise<void>>();

/** Runs `work` after the current request has answered; `what` names it in the log if it fails. */
export function afterAnswer(what: string, work: () => Promise<void>): void {
  const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
    .then(work)
    .catch((err: unknown) => log.error({ err }, `${what} failed after the answer`))
    .finally(() => pending.delete(task));
  pending.add(task);
}

/** Resolves once every task started so far has finished (tests read their mail after this). */
export async function afterAnswerSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
