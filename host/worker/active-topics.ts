/**
 * Kafka Connect's active topics: the topics each connector's tasks have produced to or consumed from since the
 * connector was created or its set was last reset (GET /connectors/{c}/topics, PUT .../topics/reset).
 */
export class ActiveTopics {
  private readonly byConnector = new Map<string, Set<string>>();

  record(connector: string, topic: string): void {
    let topics = this.byConnector.get(connector);
    if (topics === undefined) {
      topics = new Set();
      this.byConnector.set(connector, topics);
    }
    topics.add(topic);
  }

  topics(connector: string): string[] {
    return [...(this.byConnector.get(connector) ?? [])].sort();
  }

  reset(connector: string): void {
    this.byConnector.delete(connector);
  }
}
