/**
 * The legacy awsQuery protocol of SQS (Action=SendMessage&QueueUrl=…, XML answers,
 * xmlns http://queue.amazonaws.com/doc/2012-11-05/). Older SDKs and tools still speak
 * it; operations are shared with the JSON protocol.
 */
import { escapeXml, toXml } from "../../server/xml.js";

type Params = Record<string, string>;

/** "Prefix.N.Name" / "Prefix.N.Value" pairs → { name: value }. */
function nameValueMap(params: Params, prefix: string, nameKey = "Name", valueKey = "Value"): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let found = false;
  for (const [k, v] of Object.entries(params)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.${nameKey}$`).exec(k);
    if (!m) continue;
    found = true;
    out[v] = params[`${prefix}.${m[1]}.${valueKey}`] ?? "";
  }
  return found ? out : undefined;
}

/** "Prefix.N" → [values] in N order. */
function numberedList(params: Params, prefix: string): string[] | undefined {
  const items: Array<[number, string]> = [];
  for (const [k, v] of Object.entries(params)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)$`).exec(k);
    if (m) items.push([Number(m[1]), v]);
  }
  return items.length > 0 ? items.sort((a, b) => a[0] - b[0]).map(([, v]) => v) : undefined;
}

/** "Prefix.N.Name" + "Prefix.N.Value.{DataType,StringValue,BinaryValue}" → attribute map. */
function messageAttributeMap(params: Params, prefix: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let found = false;
  for (const [k, name] of Object.entries(params)) {
    const m = new RegExp(`^${escapeRe(prefix)}\\.(\\d+)\\.Name$`).exec(k);
    if (!m) continue;
    found = true;
    const base = `${prefix}.${m[1]}.Value`;
    out[name] = {
      DataType: params[`${base}.DataType`],
      ...(params[`${base}.StringValue`] !== undefined ? { StringValue: params[`${base}.StringValue`] } : {}),
      ...(params[`${base}.BinaryValue`] !== undefined ? { BinaryValue: params[`${base}.BinaryValue`] } : {}),
    };
  }
  return found ? out : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function entries(params: Params, prefix: string): Array<Record<string, unknown>> | undefined {
  const indexes = new Set<number>();
  for (const k of Object.keys(params)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k);
    if (m) indexes.add(Number(m[1]));
  }
  if (indexes.size === 0) return undefined;
  return [...indexes].sort((a, b) => a - b).map((i) => {
    const p = `${prefix}.${i}`;
    const scalar = (name: string) => params[`${p}.${name}`];
    const e: Record<string, unknown> = {};
    for (const name of ["Id", "MessageBody", "DelaySeconds", "MessageDeduplicationId", "MessageGroupId", "ReceiptHandle", "VisibilityTimeout"]) {
      if (scalar(name) !== undefined) e[name] = scalar(name);
    }
    const ma = messageAttributeMap(params, `${p}.MessageAttribute`);
    if (ma) e.MessageAttributes = ma;
    const sa = messageAttributeMap(params, `${p}.MessageSystemAttribute`);
    if (sa) e.MessageSystemAttributes = sa;
    return e;
  });
}

/** The operation input in SDK shape from query parameters (and the queue URL path). */
export function queryToInput(action: string, params: Params, pathQueueUrl: string | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!k.includes(".")) input[k] = v;
  if (input.QueueUrl === undefined && pathQueueUrl) input.QueueUrl = pathQueueUrl;
  const attrs = nameValueMap(params, "Attribute");
  if (attrs) input.Attributes = attrs;
  const tags = nameValueMap(params, "Tag", "Key", "Value");
  if (tags) {
    if (action === "CreateQueue") input.tags = tags;
    else input.Tags = tags;
  }
  const lists: Array<[string, string]> = [
    ["AttributeName", "AttributeNames"],
    ["MessageAttributeName", "MessageAttributeNames"],
    ["MessageSystemAttributeName", "MessageSystemAttributeNames"],
    ["TagKey", "TagKeys"],
  ];
  for (const [param, field] of lists) {
    const l = numberedList(params, param);
    if (l) input[field] = l;
  }
  const ma = messageAttributeMap(params, "MessageAttribute");
  if (ma) input.MessageAttributes = ma;
  const sa = messageAttributeMap(params, "MessageSystemAttribute");
  if (sa) input.MessageSystemAttributes = sa;
  const batchPrefix = `${action}RequestEntry`;
  const e = entries(params, batchPrefix);
  if (e) input.Entries = e;
  return input;
}

function attributeValueXml(v: { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }): string {
  return (
    (v.StringValue !== undefined ? toXml("StringValue", v.StringValue) : "") +
    (v.BinaryValue !== undefined ? toXml("BinaryValue", Buffer.from(v.BinaryValue).toString("base64")) : "") +
    toXml("DataType", v.DataType)
  );
}

function messageXml(m: any): string {
  let xml = toXml("MessageId", m.MessageId) + toXml("ReceiptHandle", m.ReceiptHandle) + toXml("MD5OfBody", m.MD5OfBody) + toXml("Body", m.Body);
  for (const [k, v] of Object.entries((m.Attributes ?? {}) as Record<string, string>)) xml += `<Attribute>${toXml("Name", k)}${toXml("Value", v)}</Attribute>`;
  if (m.MD5OfMessageAttributes) xml += toXml("MD5OfMessageAttributes", m.MD5OfMessageAttributes);
  for (const [k, v] of Object.entries((m.MessageAttributes ?? {}) as Record<string, any>)) {
    xml += `<MessageAttribute>${toXml("Name", k)}<Value>${attributeValueXml(v)}</Value></MessageAttribute>`;
  }
  return `<Message>${xml}</Message>`;
}

function batchXml(action: string, out: any): string {
  const ok = (out.Successful ?? []).map((s: Record<string, unknown>) => {
    let inner = "";
    for (const [k, v] of Object.entries(s)) inner += toXml(k, v);
    return `<${action}ResultEntry>${inner}</${action}ResultEntry>`;
  });
  const failed = (out.Failed ?? []).map(
    (f: any) => `<BatchResultErrorEntry>${toXml("Id", f.Id)}${toXml("SenderFault", f.SenderFault)}${toXml("Code", f.Code)}${toXml("Message", f.Message)}</BatchResultErrorEntry>`,
  );
  return ok.join("") + failed.join("");
}

/** The inner XML of `<ActionResult>` for an operation's output. */
export function outputToXml(action: string, out: any): string {
  switch (action) {
    case "ListQueues":
      return (out.QueueUrls ?? []).map((u: string) => toXml("QueueUrl", u)).join("") + (out.NextToken ? toXml("NextToken", out.NextToken) : "");
    case "ListDeadLetterSourceQueues":
      return (out.queueUrls ?? []).map((u: string) => toXml("QueueUrl", u)).join("");
    case "GetQueueAttributes":
      return Object.entries((out.Attributes ?? {}) as Record<string, string>)
        .map(([k, v]) => `<Attribute>${toXml("Name", k)}${toXml("Value", v)}</Attribute>`)
        .join("");
    case "ListQueueTags":
      return Object.entries((out.Tags ?? {}) as Record<string, string>)
        .map(([k, v]) => `<Tag>${toXml("Key", k)}${toXml("Value", v)}</Tag>`)
        .join("");
    case "ReceiveMessage":
      return (out.Messages ?? []).map(messageXml).join("");
    case "SendMessageBatch":
    case "DeleteMessageBatch":
    case "ChangeMessageVisibilityBatch":
      return batchXml(action, out);
    default:
      return Object.entries(out ?? {})
        .map(([k, v]) => (typeof v === "object" ? "" : toXml(k, v)))
        .join("");
  }
}

export { escapeXml };
