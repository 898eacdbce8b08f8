// The emails accounts send, as plain text (every client shows it; links stay copyable). Tokens
// travel in the URL fragment (#token=…), which browsers never send to a server, so they stay out
// of access logs and Referer headers.
import type { MailMessage } from "../mail/send-mail.ts";

export function verifyEmailMessage(to: string, name: string, origin: string, token: string): MailMessage {
  const link = `${origin}/verify-email#token=${token}`;
  return {
    to,
    subject: "Confirm your email address for BeatSight",
    text: [
      `Hello ${name},`,
      "",
      "Please confirm that this is your email address by opening this link (it works for 24 hours):",
      "",
      link,
      "",
      "If you did not create a BeatSight account, ignore this email; nothing happens without the link.",
    ].join("\n"),
  };
}

export function resetPasswordMessage(to: string, name: string, origin: string, token: string): MailMessage {
  const link = `${origin}/reset-password#token=${token}`;
  return {
    to,
    subject: "Choose a new BeatSight password",
    text: [
      `Hello ${name},`,
      "",
      "Someone (hopefully you) asked to reset the password of your BeatSight account. Open this link",
      "to choose a new one (it works for one hour, once):",
      "",
      link,
      "",
      "If it was not you, ignore this email: your password stays as it is.",
    ].join("\n"),
  };
}

export function alreadyRegisteredMessage(to: string, name: string, origin: string): MailMessage {
  return {
    to,
    subject: "You already have a BeatSight account",
    text: [
      `Hello ${name},`,
      "",
      "Someone (hopefully you) tried to create a BeatSight account with this address, but you already",
      "have one. Sign in here:",
      "",
      `${origin}/sign-in`,
      "",
      "Forgot your password? Choose a new one here:",
      "",
      `${origin}/reset-password`,
    ].join("\n"),
  };
}

export function signInLinkMessage(to: string, name: string, origin: string, token: string): MailMessage {
  const link = `${origin}/sign-in-link#token=${token}`;
  return {
    to,
    subject: "Your BeatSight sign-in link",
    text: [
      `Hello ${name},`,
      "",
      "Open this link to sign in to BeatSight (it works once, for 15 minutes):",
      "",
      link,
      "",
      "If you did not ask for it, ignore this email: without the link nobody signs in with it.",
    ].join("\n"),
  };
}
