/**
 * The titles of the alerts a guardian sends. The workflow sends them and `simulate` shows them:
 * one definition, so a simulated alert reads as the real one will.
 */
export const guardianAlertTitle = {
  drift: (modelName: string, severity: string) => `Data drift on ${modelName}: ${severity}`,
  action: (modelName: string, severity: string, eventType: string) =>
    `[${severity}] ${eventType} on ${modelName}`,
  rejection: (modelName: string, candidateVersion: string, metric: string) =>
    `Retrained ${modelName} version ${candidateVersion} rejected: ${metric} did not pass`,
  failure: (modelName: string, action: string) => `${action} failed for ${modelName}`,
  approvalRequest: (modelName: string, action: string, severity: string) =>
    `Approval needed: ${action} on ${modelName} (${severity})`,
};
