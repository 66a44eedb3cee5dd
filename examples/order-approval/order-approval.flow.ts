import { type ExampleEnvironment, ledgerEffects } from "./nodes";
import { orderApproval } from "./order-approval";

// The module the `flows` command loads: `flows run examples/order-approval/order-approval.flow.ts`.
// Called with the run's state directory, so the example's ledger of effects lives beside its journal.
export default (environment: ExampleEnvironment) => orderApproval(ledgerEffects(environment));
