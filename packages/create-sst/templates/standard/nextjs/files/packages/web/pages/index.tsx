import Head from "next/head";
import { useState } from "react";
import styles from "@/styles/Home.module.css";

export default function Home() {
  const [greeting, setGreeting] = useState("");

  async function greet() {
    const res = await fetch("/api/hello");
    const body = await res.json();
    setGreeting(`Hello ${body.name}`);
  }

  return (
    <>
      <Head>
        <title>SST + Next.js</title>
        <meta name="description" content="A Next.js app deployed with SST" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <main className={styles.main}>
        <h1 className={styles.title}>SST + Next.js</h1>
        <p className={styles.description}>
          Edit <code>packages/web/pages/index.tsx</code> and save to reload.
        </p>
        <button id="greet" className={styles.button} onClick={greet}>
          Call /api/hello
        </button>
        <p id="greeting">{greeting}</p>
      </main>
    </>
  );
}
