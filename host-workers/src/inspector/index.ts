export { INSPECTOR_PAGE as inspector } from "./assets.generated";
export type { InspectorPage } from "./page";
