import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ID_POLICIES, workflowIds } from '../temporal-config';
import { billingDeal, cancelDealUpdate, contractSignedSignal, dealQuery, paymentRecordedSignal, type BillingDealInput, type DealView } from '../workflows';

/** Starts the deal of an offer (one workflow per offer); an already started one is left as it is. */
export async function startBillingDeal(client: Client, taskQueue: string, input: BillingDealInput): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.billingDeal(input.businessId, input.offerId);
  try {
    await client.workflow.start(billingDeal, { workflowId, taskQueue, args: [input], ...ID_POLICIES.billingDeal });
  } catch (error) {
    if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
  }
  return { workflowId };
}

/** Tells the deal its contract was signed; false when the workflow is gone (the database still has it). */
export async function signalContractSigned(client: Client, businessId: string, offerId: string, contractId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowIds.billingDeal(businessId, offerId)).signal(contractSignedSignal, { contractId });
    return true;
  } catch {
    return false;
  }
}

export async function signalPaymentRecorded(client: Client, businessId: string, offerId: string, paymentId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowIds.billingDeal(businessId, offerId)).signal(paymentRecordedSignal, { paymentId });
    return true;
  } catch {
    return false;
  }
}

export type CancelOutcome = { ok: true; view: DealView } | { ok: false; reason: 'not_cancellable' | 'not_running' };

/** The owner's cancel of an unsigned deal, as an update: answers once the contract is closed. */
export async function cancelBillingDeal(client: Client, businessId: string, offerId: string): Promise<CancelOutcome> {
  const handle = client.workflow.getHandle(workflowIds.billingDeal(businessId, offerId));
  try {
    return { ok: true, view: await handle.executeUpdate(cancelDealUpdate, { args: [{}] }) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return { ok: false, reason: 'not_cancellable' };
    if ((error as Error).name === 'WorkflowNotFoundError') return { ok: false, reason: 'not_running' };
    throw error;
  }
}

/** The deal's live view, or null when its workflow is not running. */
export async function billingDealView(client: Client, businessId: string, offerId: string): Promise<DealView | null> {
  try {
    return await client.workflow.getHandle(workflowIds.billingDeal(businessId, offerId)).query(dealQuery);
  } catch {
    return null;
  }
}
