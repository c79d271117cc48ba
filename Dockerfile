# Multi-stage: build the fat jar with Maven, run it on a JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY examples examples
ARG REVISION=unknown
RUN mvn -B -q -DskipTests -Drevision=${REVISION} package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/cx-exporter cx \
 && mkdir -p /var/lib/cx-exporter /etc/cx-exporter \
 && chown cx /var/lib/cx-exporter
COPY --from=build /src/target/cx-exporter.jar /opt/cx-exporter/cx-exporter.jar
COPY examples/demo.yml /etc/cx-exporter/demo.yml
USER 10001
WORKDIR /var/lib/cx-exporter
VOLUME ["/var/lib/cx-exporter"]
EXPOSE 9877
# The launcher's default_java_opts (README "JVM flags"); docker run -e JAVA_OPTS=... replaces them.
ENV JAVA_OPTS="-XX:+UseSerialGC -Xms16m -XX:MaxRAMPercentage=75 -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:9877/-/healthy || exit 1
# No arguments: the built-in demo (state in /var/lib/cx-exporter/cx-data).
# Your own: docker run -v $PWD/cx.yml:/etc/cx-exporter/cx.yml IMAGE --config.file=/etc/cx-exporter/cx.yml
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/cx-exporter/cx-exporter.jar \"$@\"", "cx-exporter"]
