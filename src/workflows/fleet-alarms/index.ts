export { failureObserved, fleetFailureCountWorkflow } from './workflow';
