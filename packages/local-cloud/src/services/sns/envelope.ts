/**
 * What subscribers receive: the JSON notification envelope (SQS and http/https
 * subscribers without raw delivery) and the record of the Lambda event. Signatures
 * cannot be real without AWS's signing key; they are stable digests of the message.
 */
import { createHash } from "node:crypto";
import { envelopeAttributes, type MessageAttributes } from "./message-attributes.js";

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  /** The text for each protocol (MessageStructure "json" may differ per protocol). */
  messageFor(protocol: string): string;
  subject?: string;
  attributes: MessageAttributes;
  timestamp: Date;
  /** FIFO topics. */
  messageGroupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
}

interface Urls {
  endpoint: string;
}

const signature = (m: PublishedMessage, text: string) => createHash("sha256").update(`${m.messageId}\n${m.topicArn}\n${text}`).digest("base64");
const certUrl = (u: Urls, region: string) => `${u.endpoint}/_aws/sns/SimpleNotificationService-${region}.pem`;
const unsubscribeUrl = (u: Urls, subArn: string) => `${u.endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subArn)}`;

/** The JSON document SNS delivers to SQS and http/https (PascalCase "URL" fields). */
export function notificationEnvelope(m: PublishedMessage, protocol: string, subArn: string, u: Urls, region: string): Record<string, unknown> {
  const text = m.messageFor(protocol);
  const out: Record<string, unknown> = { Type: "Notification", MessageId: m.messageId };
  if (m.sequenceNumber) out.SequenceNumber = m.sequenceNumber;
  out.TopicArn = m.topicArn;
  if (m.subject !== undefined) out.Subject = m.subject;
  out.Message = text;
  out.Timestamp = m.timestamp.toISOString();
  if (!m.sequenceNumber) {
    out.SignatureVersion = "1";
    out.Signature = signature(m, text);
    out.SigningCertURL = certUrl(u, region);
  }
  out.UnsubscribeURL = unsubscribeUrl(u, subArn);
  if (Object.keys(m.attributes).length) out.MessageAttributes = envelopeAttributes(m.attributes);
  return out;
}

/** The Lambda event SNS sends: one record a message ("Url" spelled as in Lambda events). */
export function lambdaEvent(m: PublishedMessage, subArn: string, u: Urls, region: string): Record<string, unknown> {
  const text = m.messageFor("lambda");
  return {
    Records: [{
      EventSource: "aws:sns",
      EventVersion: "1.0",
      EventSubscriptionArn: subArn,
      Sns: {
        Type: "Notification",
        MessageId: m.messageId,
        TopicArn: m.topicArn,
        Subject: m.subject ?? null,
        Message: text,
        Timestamp: m.timestamp.toISOString(),
        SignatureVersion: "1",
        Signature: signature(m, text),
        SigningCertUrl: certUrl(u, region),
        UnsubscribeUrl: unsubscribeUrl(u, subArn),
        MessageAttributes: envelopeAttributes(m.attributes),
        ...(m.sequenceNumber ? { SequenceNumber: m.sequenceNumber, MessageGroupId: m.messageGroupId } : {}),
      },
    }],
  };
}

/** The SubscriptionConfirmation message an http/https endpoint gets on Subscribe. */
export function confirmationEnvelope(topicArn: string, token: string, u: Urls, region: string, messageId: string): Record<string, unknown> {
  const subscribeUrl = `${u.endpoint}/_aws/sns/confirm?TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
  const message = `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
  return {
    Type: "SubscriptionConfirmation",
    MessageId: messageId,
    Token: token,
    TopicArn: topicArn,
    Message: message,
    SubscribeURL: subscribeUrl,
    Timestamp: new Date().toISOString(),
    SignatureVersion: "1",
    Signature: createHash("sha256").update(`${messageId}\n${topicArn}\n${token}`).digest("base64"),
    SigningCertURL: certUrl(u, region),
  };
}
