export interface Job {
  jobId: string;
  words?: string[];
}

/** The work a job stands for: here, counting its words. */
export async function processJob(job: Job) {
  return { status: "done", wordCount: job.words?.length ?? 0 };
}
