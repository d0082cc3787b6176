#!/usr/bin/env bash
# Assembles the file tree that the Jib image (mvn -Pimage package) lays over an empty ("scratch")
# base: no base image is pulled from any registry. Everything comes from the build machine:
#
#   /opt/java      a Java 17 runtime made by jlink from the JDK running Maven: the modules jdeps finds
#                  in Agora and its dependencies, plus those loaded by name at run time (EXTRA_MODULES).
#                  No javac, jar, jlink or jdeps: bin/ holds java only.
#   /lib*, /usr/lib*
#                  the shared libraries that runtime needs, as ldd resolves them on the build machine
#                  (glibc and its dynamic loader, zlib, and what java.desktop's image code links to),
#                  each copied to the path it has there.
#   /etc           passwd and group with root and the user agora (uid and gid 10001), nsswitch.conf,
#                  and the build machine's CA bundle (the runtime's own cacerts is a copied file, not a link).
#   /tmp           empty; Jib gives it mode 777 (Jib cannot set the sticky bit).
#
# Usage: runtime-root.sh <java home> <output dir> <application classes dir> <dependency jars dir>
# Linux with glibc only (ldd); the image's architecture is the build machine's.
set -euo pipefail

java_home=$1 out=$(realpath -m "$2") classes=$3 libs=$4

# Loaded through ServiceLoader or by name, so jdeps cannot see them:
#   jdk.crypto.ec      elliptic-curve TLS (PostgreSQL, the OIDC provider, SMTP) and ES256 tokens
#   jdk.localedata     French and German dates, numbers and month names (CLDR data beyond English)
#   jdk.charsets       character sets beyond the standard ones, for mail and uploaded text
#   jdk.zipfs          reading resources from jars as a file system (Flyway's class-path scan)
#   jdk.naming.dns     DNS lookups through JNDI
#   jdk.management     com.sun.management beans (Hazelcast's and JVM metrics)
EXTRA_MODULES=jdk.crypto.ec,jdk.localedata,jdk.charsets,jdk.zipfs,jdk.naming.dns,jdk.management

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc/ssl/certs" "$out/tmp"

modules=$("$java_home/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps \
  --class-path "$libs/*" "$classes")
modules="$modules,$EXTRA_MODULES"
echo "runtime modules: $modules"

# java.desktop's X11, sound and splash-screen libraries are never loaded by a headless server
# (the entrypoint sets java.awt.headless=true) and would drag X11 and ALSA into the image.
cds=()
if "$java_home/bin/jlink" --list-plugins | grep -q -- '--generate-cds-archive'; then
  cds=(--generate-cds-archive)
fi
"$java_home/bin/jlink" --add-modules "$modules" --output "$out/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2 "${cds[@]}" \
  --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so'
# Only bin/java stays: jlink also writes the launchers of the modules it includes (jfr, jrunscript, keytool).
find "$out/opt/java/bin" -type f ! -name java -delete

# Distribution JDKs (Debian's among them) link lib/security files to /etc; the image needs real files.
for f in "$out"/opt/java/lib/security/* "$out"/opt/java/conf/security/*; do
  if [ -L "$f" ] || [ ! -e "$f" ]; then
    name=${f#"$out/opt/java/"}
    src=$(readlink -f "$java_home/$name")
    rm -f "$f"
    cp "$src" "$f"
  fi
done
if [ -e /etc/ssl/certs/ca-certificates.crt ]; then
  cp -L /etc/ssl/certs/ca-certificates.crt "$out/etc/ssl/certs/ca-certificates.crt"
fi

# The shared libraries: every library that ldd resolves outside the runtime for any ELF file in it.
loader_dirs=$(ldd "$java_home/bin/java" | awk '/ld-linux|ld64/ {print $1}' | head -1)
system_dirs=$("$loader_dirs" --help 2>/dev/null | awk '/\(system search path\)/ {print $1}')
missing=0
while IFS= read -r -d '' elf; do
  head -c 4 "$elf" | grep -q $'\x7fELF' || continue
  while IFS= read -r line; do
    case "$line" in
      *"not found"*) echo "missing library for $elf: $line" >&2; missing=1; continue ;;
    esac
    path=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) { print $i; exit } }' <<<"$line")
    [ -n "$path" ] || continue
    case "$path" in "$out"/*) continue ;; esac
    if [ ! -e "$out$path" ]; then
      mkdir -p "$out$(dirname "$path")"
      cp -L "$path" "$out$path"
      dir=$(dirname "$path")
      if [[ "$path" != */ld-linux* && "$path" != */ld64* ]] && ! grep -qx "$dir" <<<"$system_dirs"; then
        echo "library $path is outside the dynamic loader's system search path ($system_dirs)" >&2
        missing=1
      fi
    fi
  done < <(LD_LIBRARY_PATH="$out/opt/java/lib/server:$out/opt/java/lib" ldd "$elf" 2>/dev/null || true)
done < <(find "$out/opt/java" -type f -print0)
[ "$missing" = 0 ] || { echo "the runtime needs libraries the build machine cannot give" >&2; exit 1; }

cat > "$out/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
agora:x:10001:10001:Agora:/app:/sbin/nologin
PASSWD
cat > "$out/etc/group" <<'GROUP'
root:x:0:
agora:x:10001:
GROUP
cat > "$out/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
echo "runtime root: $(du -sh "$out" | cut -f1) in $out"
