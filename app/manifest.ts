// The web app manifest (/manifest.webmanifest): what makes BeatSight installable, and how it looks
// once installed. Icons are drawn by scripts/make-icons.mjs.
import type { MetadataRoute } from "next";

export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "BeatSight — drum charts from your songs",
    short_name: "BeatSight",
    description: "Turn any song you own into a playable drum chart, and practise it — offline too.",
    start_url: "/library?source=installed",
    scope: "/",
    display: "standalone",
    orientation: "any",
    background_color: "#0f1115",
    theme_color: "#0f1115",
    categories: ["music", "education"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-192.png", sizes: "192x192", type: "image/png", purpose: "maskable" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
    shortcuts: [
      {
        name: "My library",
        short_name: "Library",
        description: "Charts on this device, ready offline",
        url: "/library",
        icons: [{ src: "/icons/shortcut-library-96.png", sizes: "96x96", type: "image/png" }],
      },
      { name: "Add a song", short_name: "Add", description: "Drop a song to get its chart", url: "/" },
    ],
  };
}
