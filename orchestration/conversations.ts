import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { ID_POLICIES, workflowIds } from '../temporal-config';
import {
  conversation,
  handBackUpdate,
  humanMessageSignal,
  inboundMessageSignal,
  takeOverUpdate,
  type ConversationView,
  type ConversationWorkflowInput,
  type HumanMessageSignal,
  type InboundMessageSignal,
} from '../workflows';

export interface ConversationTarget {
  taskQueue: string;
  businessId: string;
  conversationId: string;
  contactE164: string;
  /** Workflow tuning (tests pass small numbers). */
  tuning?: Pick<ConversationWorkflowInput, 'continueAsNewAfter' | 'idleTimeoutMs'>;
}

/** The conversation workflow of (business, WhatsApp contact). */
export function conversationWorkflowId(businessId: string, contactE164: string): string {
  return workflowIds.conversation(businessId, 'whatsapp', contactE164);
}

function startOptions(target: ConversationTarget) {
  return {
    workflowId: conversationWorkflowId(target.businessId, target.contactE164),
    taskQueue: target.taskQueue,
    args: [{ businessId: target.businessId, conversationId: target.conversationId, contactE164: target.contactE164, ...target.tuning }] as [ConversationWorkflowInput],
    ...ID_POLICIES.conversation,
  };
}

/** An inbound message to its conversation workflow (signal-with-start: the running one, or a new one). */
export async function deliverInboundMessage(client: Client, target: ConversationTarget, message: InboundMessageSignal): Promise<{ workflowId: string }> {
  const options = startOptions(target);
  await client.workflow.signalWithStart(conversation, { ...options, signal: inboundMessageSignal, signalArgs: [message] });
  return { workflowId: options.workflowId };
}

/** A reply written in the CRM, sent by the conversation's workflow through the outbound path. */
export async function sendHumanMessage(client: Client, target: ConversationTarget, message: HumanMessageSignal): Promise<{ workflowId: string }> {
  const options = startOptions(target);
  await client.workflow.signalWithStart(conversation, { ...options, signal: humanMessageSignal, signalArgs: [message] });
  return { workflowId: options.workflowId };
}

/** A person takes the conversation (the assistant stops answering) or hands it back; starts the workflow when none runs. */
export function setConversationOwner(client: Client, target: ConversationTarget, action: 'take_over' | 'hand_back', userId: string): Promise<ConversationView> {
  const { workflowIdReusePolicy: _reuse, ...options } = startOptions(target);
  const startWorkflowOperation = new WithStartWorkflowOperation(conversation, { ...options, workflowIdConflictPolicy: 'USE_EXISTING' });
  return client.workflow.executeUpdateWithStart(action === 'take_over' ? takeOverUpdate : handBackUpdate, { args: [{ userId }], startWorkflowOperation });
}
