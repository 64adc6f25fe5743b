#!/usr/bin/env bash
# Fetches Apache Kafka (broker + command-line tools) from Maven and writes a launcher
# `kafka-class CLASS [ARGS]` that runs any Kafka main class on that classpath.
# Prints the launcher's path. KAFKA_VERSION picks the version (3.9.x or 4.x; each is cached in
# its own folder, so switching back and forth fetches nothing twice).
source "$(dirname "$0")/lib.sh"

VERSION="${KAFKA_VERSION:-3.9.1}"
dir="$CACHE_DIR/kafka/$VERSION"
launcher="$dir/kafka-class"

if [ -x "$launcher" ]; then echo "$launcher"; exit 0; fi

require_command java "Install a Java runtime (17 or later), e.g. Debian's openjdk-17-jre-headless."
require_command mvn "Install Maven, e.g. Debian's maven package."

# Two runs provisioning at once (parallel test runs sharing .services) take turns: the second
# finds the first one's result instead of fetching into the same directory.
mkdir -p "$CACHE_DIR/kafka"
exec 9>"$CACHE_DIR/kafka/.$VERSION.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
if [ -x "$launcher" ]; then echo "$launcher"; exit 0; fi
log "fetching Apache Kafka $VERSION jars"
rm -rf "$dir.partial" && mkdir -p "$dir.partial/lib"
mvn -q -B -f "$ROOT_DIR/scripts/kafka/pom.xml" -Dkafka.version="$VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir.partial/lib" >&2 \
  || die "could not fetch org.apache.kafka:kafka_2.13:$VERSION with Maven"

cat > "$dir.partial/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
PROPS

cat > "$dir.partial/kafka-class" <<LAUNCHER
#!/usr/bin/env bash
# Runs a Kafka main class, e.g.: kafka-class kafka.tools.ConsoleProducer --bootstrap-server ...
# KAFKA_HEAP_OPTS overrides the default heap (small: a single local broker).
exec java \${KAFKA_HEAP_OPTS:--Xmx512m -Xms128m} -Dlog4j.configuration=file:$dir/log4j.properties \\
  -cp "$dir/lib/*" "\$@"
LAUNCHER
chmod +x "$dir.partial/kafka-class"
sed -i "s|$dir.partial|$dir|g" "$dir.partial/kafka-class"
mv "$dir.partial" "$dir"
echo "$launcher"
