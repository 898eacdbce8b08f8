// What BeatSight stores about people and for how long. The figures come from the code that enforces
// them (session lifetime, link lifetimes, upload retention and this server's setting for it), so the
// page cannot drift from what the server does. Rendered per request because the retention setting is
// read from this server's environment.
import type { Metadata } from "next";
import Link from "next/link";
import { EMAIL_TOKEN_TTL_MS } from "@/server/auth/email-tokens.ts";
import { SESSION_COOKIE } from "@/server/auth/session.ts";
import { SESSION_TTL_MS } from "@/server/auth/sessions.ts";
import { jobsConfig, UPLOAD_RETENTION_MAX_HOURS } from "@/server/jobs/config.ts";
import { ORPHAN_UPLOAD_HOURS, RETENTION_SWEEP_MINUTES } from "@/server/jobs/retention.ts";

export const metadata: Metadata = { title: "Privacy" };
export const dynamic = "force-dynamic";

const HOUR_MS = 3600_000;

function duration(ms: number): string {
  const hours = ms / HOUR_MS;
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} days`;
  if (hours >= 1) return `${hours} hour${hours === 1 ? "" : "s"}`;
  return `${ms / 60_000} minutes`;
}

function hoursText(hours: number): string {
  if (hours === 0) return "as soon as the next clean-up runs";
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

export default function PrivacyPage() {
  const jobs = jobsConfig();
  return (
    <article aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy: what BeatSight stores, and for how long</h1>
      <p>
        BeatSight works on your device first. This page lists everything this server keeps about you, why, and
        for how long. You can <Link href="/me">download all of it or delete your account</Link> at any time
        from your account page.
      </p>

      <section aria-labelledby="device-title">
        <h2 id="device-title">On your device</h2>
        <p>
          The songs you open never leave your device unless you choose server processing. Your browser
          separates and transcribes them itself and keeps, in its own storage (IndexedDB) for this site: your
          charts, their separated drum and accompaniment tracks (stems), your practice results, unsaved editor
          work, your settings and changes waiting to be sent while you are offline. The app and its models are
          kept in the browser’s cache so it works offline.
        </p>
        <p>
          This stays until you remove it (<Link href="/library">Library</Link> → storage) or clear this site’s
          data in your browser. Deleting your account does not touch it: it was never on the server.
        </p>
      </section>

      <section aria-labelledby="songs-title">
        <h2 id="songs-title">Song fingerprints and charts</h2>
        <p>
          To find a chart for a song, your browser sends its fingerprint: a compact summary of how the
          recording sounds (Chromaprint, as used by AcoustID) from which the audio cannot be rebuilt. When a
          chart is made for a song the server did not know yet, the song’s fingerprint and length are kept
          with the song, not with you, so the next person with the same recording gets the chart at once.
          Songs, fingerprints and charts are kept for as long as the service runs.
        </p>
        <p>
          Charts you submit, fixes, and every version of a chart are kept as the song’s history and shown with
          your display name.
        </p>
      </section>

      <section aria-labelledby="uploads-title">
        <h2 id="uploads-title">Uploaded audio (server processing)</h2>
        {jobs.BEATSIGHT_SERVER_JOBS ? (
          <>
            <p>
              When you ask the server to chart a song, the audio file is stored only so that the job can run.
              It is kept while the job waits and runs, and deleted {hoursText(jobs.UPLOAD_RETENTION_HOURS)}{" "}
              after the job ends (this server’s setting; it can never be more than{" "}
              {UPLOAD_RETENTION_MAX_HOURS} hours). The clean-up runs every {RETENTION_SWEEP_MINUTES} minutes.
              A file that never became a job (the upload was cut off) is deleted once it is{" "}
              {ORPHAN_UPLOAD_HOURS} hours old, and a file refused as not usable audio is not kept at all.
            </p>
            <p>
              The job’s record stays: which song, when, how long the audio was, the file’s name, and what the
              job cost to run. Deleting your account removes the file name.
            </p>
          </>
        ) : (
          <p>This server does not offer server processing, so it never receives your audio.</p>
        )}
      </section>

      <section aria-labelledby="account-title">
        <h2 id="account-title">Your account</h2>
        <ul>
          <li>
            Your email address, display name, when you signed up and confirmed your address. Your password is
            kept only as an Argon2id hash, from which it cannot be read back.
          </li>
          <li>
            Signed-in devices: for each session, the browser (user agent), the network address it signed in
            from, and when it signed in and was last used. A session ends about {duration(SESSION_TTL_MS)}{" "}
            after it was last used, or when you sign it out (your account page lists them). The record of a
            session that ended by itself is deleted a day later.
          </li>
          <li>
            Passkeys: the public key your device made (not a secret), the name you gave it, and when it was
            added and last used.
          </li>
          <li>
            Emailed links (confirm your address, reset your password, sign in): only a hash of each link is
            kept; they work once and expire after {duration(EMAIL_TOKEN_TTL_MS.verify_email)},{" "}
            {duration(EMAIL_TOKEN_TTL_MS.reset_password)} and {duration(EMAIL_TOKEN_TTL_MS.sign_in)}, and the
            hash is deleted a day after that.
          </li>
          <li>
            What you do in the community: fixes you propose (with their message), comments, votes, ratings,
            verification decisions and the karma they earn. Others see them with your display name.
          </li>
          <li>Practice results you sync, notifications, and push notification subscriptions.</li>
          <li>
            A security log of account events (sign-up, address confirmed, password reset, passkey added or
            removed, other devices signed out, a data download) and of privileged actions (verifying,
            appointing, archiving), with the network address they came from. It cannot be edited, so an
            operator can always tell who did what.
          </li>
        </ul>
        <p>All of this is kept until you delete your account, except as described below.</p>
      </section>

      <section aria-labelledby="other-title">
        <h2 id="other-title">Cookies, logs and limits</h2>
        <ul>
          <li>
            One cookie, <code>{SESSION_COOKIE}</code>, keeps you signed in. It is set only when you sign in,
            cannot be read by scripts, and expires about {duration(SESSION_TTL_MS)} after your last visit.
            There are no analytics, advertising or third-party cookies or scripts.
          </li>
          <li>
            The server writes a log of requests and errors (request ids and, for some events, account ids;
            never passwords, tokens or audio). How long it is kept is up to whoever runs this server.
          </li>
          <li>
            To stop abuse, the server counts how often a network address or account signs in, signs up,
            comments and so on. These counts last only until their window ends, at most an hour. Your account
            also counts wrong passwords tried on it until you next sign in.
          </li>
        </ul>
      </section>

      <section aria-labelledby="rights-title">
        <h2 id="rights-title">Download your data, or delete your account</h2>
        <p>
          On <Link href="/me">your account page</Link>, after confirming with your password or a passkey:
        </p>
        <ul>
          <li>
            <strong>Download my data</strong> gives you one JSON file with everything above that belongs to
            your account, including the charts you made.
          </li>
          <li>
            <strong>Delete my account</strong> removes at once your email address, name and password, every
            session and passkey, emailed links, push subscriptions, notifications, practice results, your
            comments (they are free text and nothing else depends on them), the names of files you uploaded,
            and your network addresses and passkey names in the security log. Fixes still waiting for review
            are withdrawn, and server jobs only you were waiting for are cancelled.
          </li>
          <li>
            What others rely on is kept, shown as “Deleted user” and no longer linked to you: maps and chart
            versions you made and fixes that were accepted (a verified chart must keep its history), your
            votes, ratings and verification decisions, and the karma record and security log entries. Your
            email address is free to use for a new account.
          </li>
        </ul>
      </section>
    </article>
  );
}
