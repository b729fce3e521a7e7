import type { SubmitFunction } from '$app/forms';


/**
 * For forms inside a confirmation <details>: once the answer is in, the panel closes, so a
 * refusal shown beside the row is not hidden under a still-open "are you sure?" panel.
 */
export const closeConfirmAfter: SubmitFunction = ({ formElement }) => {
	return async ({ update }) => {
		formElement.closest('details')?.removeAttribute('open');
		await update();
	};
};
