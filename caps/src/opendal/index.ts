export { isConditionNotMatch, isNotFound } from "./errors";
export { fileNameFor, folderFor, keyForFileName } from "./names";
export { checkOperatorOptions, createOperator, type OpendalService, s3SecretNames } from "./operator";
export { createOpendalTableStore } from "./table-store";
