/**
 * The wire between the Lambda runtime (the local cloud's process) and one execution
 * environment (its own child process): newline-delimited UTF-8 frames over a socket
 * pair on the child's fd 3.
 *
 * A frame is one type character, then fields separated by tabs, then "\n". Every
 * field that could hold a tab or a newline is JSON text, and JSON.stringify never
 * writes a raw tab or newline, so the last field may be a whole event or response
 * document. Text framing measured cheaper than length-prefixed binary frames: the
 * socket delivers strings (no Buffer.concat, no copy), and a frame is written as one
 * string, which libuv sends with one write(2).
 *
 * Plain JavaScript (with a .d.mts beside it): the child runs without tsx, and both
 * sides import this one file.
 */

/** Frame types, parent → child. */
export const TO_CHILD = Object.freeze({
  /** C{json}: the environment's fixed settings; always the first frame. */
  configure: "C",
  /** P[json urls]: a standby loads these modules (the SDK modules its code will import) ahead of its code. */
  preload: "P",
  /** N{json {file?, exportName?}}: run the init phase now (a standby learns its code here). */
  init: "N",
  /** V requestId \t timeoutMs \t invokedFunctionArn \t clientContext json|"" \t event json */
  invoke: "V",
});

/** Frame types, child → parent. */
export const TO_PARENT = Object.freeze({
  /** L requestId \t line json: one formatted log line. */
  log: "L",
  /** R requestId \t handlerMs \t initMs|"" \t rssMb \t response json */
  result: "R",
  /** E requestId \t handlerMs \t initMs|"" \t rssMb \t fatal 0|1 \t error json */
  error: "E",
  /** X requestId \t error json: an uncaught error; the process exits next. */
  crash: "X",
  /** O requestId \t rssMb: out of memory; the process kills itself next. */
  outOfMemory: "O",
  /** D: the init phase is over (the first invocation's timeout counts from here, as on AWS). */
  initialized: "D",
});

/**
 * Calls `onFrame` with each complete frame (without its "\n") read from `socket`.
 * Partial frames wait for the rest.
 */
export function readFrames(socket, onFrame) {
  socket.setEncoding("utf8");
  socket.on("data", frameSplitter(onFrame));
}

/** Text received in pieces (socket chunks, thread messages) → whole frames, in order. */
export function frameSplitter(onFrame) {
  let pending = "";
  return (chunk) => {
    const text = pending === "" ? chunk : pending + chunk;
    let start = 0;
    let end;
    while ((end = text.indexOf("\n", start)) >= 0) {
      onFrame(text.slice(start, end));
      start = end + 1;
    }
    pending = start === text.length ? "" : text.slice(start);
  };
}

/**
 * The fields of a frame: the `count - 1` tab-separated fields after the type
 * character, then the rest of the frame as the last one (it may hold anything but "\n").
 */
export function fields(frame, count) {
  const out = [];
  let start = 1;
  for (let i = 1; i < count; i++) {
    const tab = frame.indexOf("\t", start);
    if (tab < 0) break;
    out.push(frame.slice(start, tab));
    start = tab + 1;
  }
  out.push(frame.slice(start));
  return out;
}
