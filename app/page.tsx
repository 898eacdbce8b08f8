import { Intake } from "./_components/intake/intake.tsx";
import { ServerStatus } from "./_components/server-status.tsx";

export default function HomePage() {
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Play any song you own as a drum chart</h1>
        <p className="lede">
          Drop in a song. BeatSight recognises it by its audio fingerprint and opens the community&rsquo;s
          verified chart — or transcribes the drums on your own device in about a minute.
        </p>
      </section>
      <Intake />
      <section aria-labelledby="how-title" className="card">
        <h2 id="how-title">How it works</h2>
        <ol className="steps">
          <li>
            <strong>Identify.</strong> Your browser computes a Chromaprint fingerprint; only that fingerprint
            is sent to look the song up.
          </li>
          <li>
            <strong>Generate.</strong> New songs are separated and transcribed by small models running in your
            browser (WebGPU, else WebAssembly). Weaker devices can ask the server instead.
          </li>
          <li>
            <strong>Practise.</strong> Play along on a note highway with drums muted or solo, slowed down and
            looped, with your keyboard or an e-kit — offline too.
          </li>
          <li>
            <strong>Verify.</strong> Drummers fix and vote on charts until each song has one verified map.
          </li>
        </ol>
      </section>
      <ServerStatus />
    </>
  );
}
