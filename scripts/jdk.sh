# Sourced: exports JAVA_HOME as a JDK 25 or newer, or exits with how to get one.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [[ -n "$candidate" && -x "$candidate/bin/javac" ]] && (( $(java_major "$candidate" || echo 0) >= 25 )); then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
if ! JAVA_HOME="$(find_jdk)"; then
  echo "edgefaas needs a JDK 25 or newer: install Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME
