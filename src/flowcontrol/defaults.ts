// Upstream's v1 defaulting for FlowSchemas and PriorityLevelConfigurations
// (pkg/apis/flowcontrol/v1/defaults.go): unset numbers take their documented defaults.
import { isObj, type Obj } from '../api/validation/field.js';

function setIfUnset(o: Obj, key: string, value: number): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

export function defaultFlowSchema(fs: Obj): void {
  const spec = fs['spec'];
  if (isObj(spec) && !spec['matchingPrecedence']) spec['matchingPrecedence'] = 1000;
}

export function defaultPriorityLevelConfiguration(pl: Obj): void {
  const spec = isObj(pl['spec']) ? pl['spec'] : undefined;
  if (!spec) return;
  const exempt = spec['exempt'];
  if (isObj(exempt)) {
    setIfUnset(exempt, 'nominalConcurrencyShares', 0);
    setIfUnset(exempt, 'lendablePercent', 0);
  }
  const limited = spec['limited'];
  if (!isObj(limited)) return;
  setIfUnset(limited, 'nominalConcurrencyShares', 30);
  setIfUnset(limited, 'lendablePercent', 0);
  const response = limited['limitResponse'];
  const queuing = isObj(response) ? response['queuing'] : undefined;
  if (!isObj(queuing)) return;
  // Zero means unset here, as in Go.
  if (!queuing['handSize']) queuing['handSize'] = 8;
  if (!queuing['queues']) queuing['queues'] = 64;
  if (!queuing['queueLengthLimit']) queuing['queueLengthLimit'] = 50;
}
