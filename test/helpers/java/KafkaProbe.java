// The Java Kafka client as a reference peer for tests: writes or reads a topic with the client Kafka Connect uses.
//   java -cp '<kafka libs>/*' KafkaProbe.java produce <bootstrap> <topic> <compression.type> <count> <value-prefix>
//   java -cp '<kafka libs>/*' KafkaProbe.java consume <bootstrap> <topic> <count>
// produce writes records k<i> -> <value-prefix><i>; consume prints each value on a line, in partition-offset order
// per partition, and exits once <count> records were read (or fails after 60 s).
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class KafkaProbe {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[1];
    String topic = args[2];
    if (args[0].equals("produce")) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("compression.type", args[3]);
      p.put("linger.ms", "50");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        int n = Integer.parseInt(args[4]);
        for (int i = 0; i < n; i++) producer.send(new ProducerRecord<>(topic, "k" + i, args[5] + i));
        producer.flush();
      }
    } else {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("group.id", "probe-" + System.nanoTime());
      p.put("auto.offset.reset", "earliest");
      p.put("enable.auto.commit", "false");
      int n = Integer.parseInt(args[3]);
      int read = 0;
      long deadline = System.currentTimeMillis() + 60_000;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(topic));
        while (read < n) {
          if (System.currentTimeMillis() > deadline) throw new IllegalStateException("read " + read + " of " + n);
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
            System.out.println(r.value());
            read++;
          }
        }
      }
    }
  }
}
