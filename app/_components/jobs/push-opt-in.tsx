"use client";
// "Tell me on this device when it is done": a Web Push subscription with the server's VAPID key,
// through the service worker the app already registers. Hidden where push is not supported.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ErrorMessage } from "../error-message.tsx";
import { useTRPC } from "../trpc.tsx";

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function PushOptIn() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const subscribe = useMutation(trpc.jobs.subscribePush.mutationOptions());
  const [supported, setSupported] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setSupported("serviceWorker" in navigator && "PushManager" in window && "Notification" in window);
  }, []);
  if (!supported) return null;
  if (subscribe.isSuccess)
    return <p className="muted">You will get a notification on this device when it is done.</p>;
  const optIn = async () => {
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        setError("Notifications are blocked for this site; allow them in the browser's site settings.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const key = await queryClient.fetchQuery(trpc.jobs.pushKey.queryOptions());
      const sub = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key),
      });
      const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
      subscribe.mutate({ endpoint: json.endpoint, keys: json.keys });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <div>
      <button type="button" className="secondary" onClick={optIn} disabled={subscribe.isPending}>
        Notify me on this device when it is done
      </button>
      <ErrorMessage error={error ?? subscribe.error} />
    </div>
  );
}
