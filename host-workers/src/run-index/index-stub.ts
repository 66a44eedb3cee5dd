/** The stub of an index object (a shard or the directory) by name, in the run namespace. */
export function indexStub(namespace: DurableObjectNamespace, name: string): DurableObjectStub {
  return namespace.get(namespace.idFromName(name));
}
