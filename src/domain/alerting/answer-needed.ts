/**
 * An alarm that asks a person for an answer — an approval request, on which an action waits until
 * someone approves, rejects or its timeout passes. Silences, inhibition and group waits exist to
 * spare people noise; a request that nobody sees is not noise spared but a decision made by the
 * timeout. So nothing holds it back: it goes to people at once, and the alarms table records it as
 * sent (its silence or firing critical alarm notwithstanding).
 */
export interface MayNeedAnswer {
  answerNeeded?: boolean;
}

/** Whether silences, inhibition and a group wait may hold this alarm back from people. */
export function mayBeHeldBack(alarm: MayNeedAnswer): boolean {
  return alarm.answerNeeded !== true;
}
