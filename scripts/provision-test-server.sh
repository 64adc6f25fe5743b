#!/usr/bin/env bash
# Fetches the official Temporal time-skipping test server (Java, from Maven) and writes a
# launcher that takes the port as its only argument, as @temporalio/testing expects.
# Prints the launcher's path.
source "$(dirname "$0")/lib.sh"

VERSION="${TEMPORAL_TEST_SERVER_VERSION:-1.27.0}"
# The launcher source is part of the cache key so a change to it rebuilds.
dir="$CACHE_DIR/temporal-test-server/$VERSION-$(cksum < "$ROOT_DIR/scripts/test-server/LoopbackTestServer.java" | cut -d" " -f1)"
launcher="$dir/temporal-test-server"

if [ -x "$launcher" ]; then echo "$launcher"; exit 0; fi

require_command java "Install a Java runtime (17 or later), e.g. Debian's openjdk-17-jre-headless."
require_command mvn "Install Maven, e.g. Debian's maven package."
log "fetching temporal-test-server $VERSION and its dependencies"
mkdir -p "$dir/lib"
mvn -q -B -f "$ROOT_DIR/scripts/test-server/pom.xml" \
  -Dtemporal.test.server.version="$VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/lib" >&2 \
  || die "could not fetch io.temporal:temporal-test-server:$VERSION with Maven"

require_command javac "Install a Java JDK (17 or later), e.g. Debian's openjdk-17-jdk-headless."
mkdir -p "$dir/classes"
javac -d "$dir/classes" -cp "$dir/lib/*" "$ROOT_DIR/scripts/test-server/LoopbackTestServer.java" >&2 \
  || die "compiling the loopback test-server launcher failed"

cat > "$launcher" <<LAUNCHER
#!/usr/bin/env bash
# Temporal time-skipping test server on 127.0.0.1; usage: temporal-test-server PORT
exec java -cp "$dir/classes:$dir/lib/*" LoopbackTestServer "\$1"
LAUNCHER
chmod +x "$launcher"
echo "$launcher"
