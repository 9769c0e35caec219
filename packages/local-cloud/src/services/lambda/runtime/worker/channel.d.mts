import type { Socket } from "node:net";

export declare const TO_CHILD: Readonly<{ configure: "C"; preload: "P"; init: "N"; invoke: "V" }>;
export declare const TO_PARENT: Readonly<{ log: "L"; result: "R"; error: "E"; crash: "X"; outOfMemory: "O"; initialized: "D" }>;
export declare function readFrames(socket: Socket, onFrame: (frame: string) => void): void;
export declare function fields(frame: string, count: number): string[];
export declare function frameSplitter(onFrame: (frame: string) => void): (chunk: string) => void;
