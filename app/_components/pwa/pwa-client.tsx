"use client";
// The installable-app parts of every page: registers the service worker (workbox-window), offers
// "Update available — reload" when a new version waits (never while a practice run plays), shows an
// Install button where the browser offers one, says when the app is offline, and keeps the outbox
// flowing.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Workbox } from "workbox-window";
import { rememberAccount } from "@/lib/offline/account-state.ts";
import { localDb } from "@/lib/store/db.ts";
import { useTRPC } from "../trpc.tsx";
import { useOutboxAutoFlush } from "./outbox-sync.ts";
import { usePracticePlaying } from "./practice-activity.ts";

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: "accepted" | "dismissed" }>;
}

function useServiceWorker(): { waiting: Workbox | null } {
  const [waiting, setWaiting] = useState<Workbox | null>(null);
  useEffect(() => {
    // Development builds change on every save; a worker caching them would only get in the way.
    if (process.env.NODE_ENV !== "production" || !("serviceWorker" in navigator)) return;
    const wb = new Workbox("/sw.js", { scope: "/" });
    wb.addEventListener("waiting", () => setWaiting(wb));
    wb.addEventListener("message", (event) => {
      if (event.data?.type === "OUTBOX_FLUSHED") window.dispatchEvent(new Event("beatsight:outbox-flushed"));
    });
    wb.register().catch((error: unknown) => console.warn("Service worker registration failed", error));
  }, []);
  return { waiting };
}

function useInstallPrompt(): { prompt: BeforeInstallPromptEvent | null; clear: () => void } {
  const [prompt, setPrompt] = useState<BeforeInstallPromptEvent | null>(null);
  useEffect(() => {
    const offer = (event: Event) => {
      event.preventDefault(); // our button instead of the browser's mini-infobar
      setPrompt(event as BeforeInstallPromptEvent);
    };
    const installed = () => setPrompt(null);
    window.addEventListener("beforeinstallprompt", offer);
    window.addEventListener("appinstalled", installed);
    return () => {
      window.removeEventListener("beforeinstallprompt", offer);
      window.removeEventListener("appinstalled", installed);
    };
  }, []);
  return { prompt, clear: () => setPrompt(null) };
}

/**
 * Keeps the device's idea of who is signed in current (the same query as the nav's, so no extra
 * request), for decisions made offline (lib/offline/account-state.ts).
 */
function useRememberAccount(): void {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const userId = me.isSuccess ? (me.data?.id ?? null) : undefined;
  useEffect(() => {
    if (userId !== undefined) void rememberAccount(localDb(), userId).catch(() => undefined);
  }, [userId]);
}

function useOnline(): boolean {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export function InstallButton() {
  const { prompt, clear } = useInstallPrompt();
  if (!prompt) return null;
  return (
    <button
      type="button"
      className="secondary install-button"
      onClick={async () => {
        await prompt.prompt();
        await prompt.userChoice.catch(() => undefined);
        clear(); // the event can be used once
      }}
    >
      Install app
    </button>
  );
}

export function PwaBanners() {
  const { waiting } = useServiceWorker();
  const practicing = usePracticePlaying();
  const online = useOnline();
  useOutboxAutoFlush();
  useRememberAccount();
  return (
    <>
      {!online ? (
        <p className="pwa-banner" role="status" data-testid="offline-banner">
          You are offline. Your library and the player work as usual; shared charts wait and are sent when you
          are back online.
        </p>
      ) : null}
      {waiting && !practicing ? (
        <div className="pwa-banner" role="status" data-testid="update-banner">
          A new version of BeatSight is ready.{" "}
          <button
            type="button"
            onClick={() => {
              waiting.addEventListener("controlling", () => window.location.reload());
              waiting.messageSkipWaiting();
            }}
          >
            Update and reload
          </button>
        </div>
      ) : null}
    </>
  );
}
