// The response policy (README "The policy"): pure functions shared by the guardian workflow and `simulate`.
export * from './actions';
export * from './action-table';
export * from './business-hours';
export * from './cooldowns';
export * from './decide-response';
export * from './decision';
export * from './evaluate-event';
export * from './frequency-limit';
export * from './hysteresis';
export * from './maintenance-window';
export * from './policy-state';
export * from './seen-events';
export * from './settings';
export * from './state-limits';
export * from './severity';
export * from './time-zone';
export * from './simulation';
