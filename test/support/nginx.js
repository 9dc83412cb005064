// A private nginx, configured as a shared cache in front of one app, for tests over real sockets. Never the
// system's nginx service: each cache is its own nginx process with its own config, cache, logs and pid file
// in a temporary directory, stopped and removed by `stop()`.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Debian 12 has both; later releases fold nginx-light into nginx.
const PACKAGES = ['nginx-light', 'nginx']
const INSTALL_TIMEOUT = 180_000

/**
 * Finds nginx, installing Debian's package when it is missing and this process may (root, or passwordless
 * sudo, with apt-get). Resolves `{ command, version }`, or `{ unavailable: reason }`.
 */
export async function ensureNginx () {
  const found = findNginx()
  if (found !== null) return found
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n']
  if (sudo.length > 0 && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    return {
      unavailable: 'nginx is not installed, and this user can neither install packages nor sudo without a password'
    }
  }
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    return { unavailable: 'nginx is not installed and there is no apt-get' }
  }
  // Debian's postinst starts the nginx service unless policy-rc.d forbids it (exit 101): forbid it for the
  // install when nothing else does (Docker images usually do), so that only our own nginx ever runs.
  const script = `
    set -e
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt-get update -q
    ${PACKAGES.map(name => `apt-get install -y -q --no-install-recommends ${name}`).join(' || ')}`
  const install = await run([...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'sh', '-c', script], INSTALL_TIMEOUT)
  if (install.code !== 0) {
    return { unavailable: `installing nginx failed (${install.why}):\n${install.output.slice(-2000)}` }
  }
  return findNginx() ?? { unavailable: 'nginx was installed but cannot be run' }
}

/** nginx on PATH, or where Debian puts it (/usr/sbin is not on a non-root user's PATH): `{ command, version }`. */
function findNginx () {
  for (const command of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(command, ['-v'], { encoding: 'utf8' })
    const version = /nginx\/(\d+)\.(\d+)/.exec(probe.stderr ?? '')
    if (probe.status === 0 && version !== null) return { command, version: [Number(version[1]), Number(version[2])] }
  }
  return null
}

/** Runs `argv` in its own process group, ended whole after `timeout` ms. Resolves `{ code, why, output }`. */
function run (argv, timeout) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => { output += chunk })
    child.stderr.on('data', (chunk) => { output += chunk })
    // SIGTERM first: through sudo too, which relays it to the command (a user cannot SIGKILL root's processes).
    const signal = (name) => { try { process.kill(-child.pid, name) } catch {} } // the group may be gone
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      signal('SIGTERM')
      setTimeout(() => signal('SIGKILL'), 5000).unref()
    }, timeout)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: -1, why: error.message, output })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, why: timedOut ? `timed out after ${timeout} ms` : `exit ${code ?? signal}`, output })
    })
  })
}

/**
 * Starts nginx as a shared cache in front of 127.0.0.1:`upstreamPort`: every GET and HEAD goes through
 * `proxy_cache`, with no `proxy_cache_valid`, so that only the response's own headers (Cache-Control,
 * Vary) decide what is stored and for whom; the cache key is nginx's default, the URL alone.
 * Resolves `{ port, request(method, path, headers), stop() }`.
 */
export async function startCache ({ command, version }, upstreamPort) {
  const dir = await mkdtemp(join(tmpdir(), 'nginx-cache-'))
  const port = await freePort()
  // Single process (master_process off): no worker switching to another user who could not write `dir`.
  // Debian's build puts the temporary files under /var/lib/nginx: here, in `dir`.
  await writeFile(join(dir, 'nginx.conf'), `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  proxy_cache_path ${dir}/cache keys_zone=shared:1m;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_cache shared;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`)
  // -e (nginx 1.19.5 and later; taken from 1.20): the log nginx writes to before it has read the config,
  // by default under /var/log.
  const early = version[0] > 1 || version[1] >= 20 ? ['-e', join(dir, 'early.log')] : []
  const child = spawn(command, ['-p', dir, '-c', join(dir, 'nginx.conf'), ...early],
    { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const exited = new Promise((resolve) => child.on('close', resolve))

  async function stop () {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT') // graceful: finishes the requests in flight
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    await rm(dir, { recursive: true, force: true })
  }

  try {
    await waitForPort(port, exited)
  } catch (error) {
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
    await stop()
    throw new Error(`nginx did not start: ${error.message}\n${stderr}${log}`)
  }
  return { port, request: (method, path, headers) => request(port, method, path, headers), stop }
}

/** A port free on 127.0.0.1 right now (the kernel's choice), for nginx's `listen`. */
function freePort () {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `port` accepts connections; rejects if nginx exits first or after 10 s. */
async function waitForPort (port, exited) {
  let exitCode
  exited.then((code) => { exitCode = code ?? 'signal' })
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`it exited (${exitCode})`)
    const open = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' })
      socket.on('connect', () => { socket.destroy(); resolve(true) })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('port not open after 10 s')
}

/**
 * One request through the cache, on a fresh connection. Resolves what a caller sees of it:
 * `{ status, allow, cache }`, `cache` being nginx's X-Cache-Status (MISS, HIT, ...).
 */
function request (port, method, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 5000 }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({ status: res.statusCode, allow: res.headers.allow, cache: res.headers['x-cache-status'] }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} through nginx timed out`)))
    req.on('error', reject)
    req.end()
  })
}
