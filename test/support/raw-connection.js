import { EventEmitter, once } from 'node:events'
import net from 'node:net'

/**
 * A raw client connection to a listening app, recording what the server sends and how the connection
 * ended: `ended` is the server's FIN ('end'), `error` the first socket error (`errorAt` its time),
 * `closed` once the socket is gone. Destroyed after the test. `allowHalfOpen`: the client's side stays
 * writable after the server's FIN (Node ends it otherwise), as a client busy sending its body that reads
 * the answer only afterwards.
 */
export async function connect (app, t, { allowHalfOpen = false } = {}) {
  const socket = net.connect({ port: app.server.address().port, host: '127.0.0.1', allowHalfOpen })
  await once(socket, 'connect')
  const conn = {
    socket,
    text: '',
    ended: false,
    endedAt: null,
    closed: false,
    error: null,
    errorAt: null,
    changes: new EventEmitter()
  }
  socket.on('data', chunk => { conn.text += chunk.toString('latin1'); conn.changes.emit('change') })
  socket.on('end', () => { conn.ended = true; conn.endedAt = performance.now(); conn.changes.emit('change') })
  socket.on('error', (error) => {
    if (conn.error === null) {
      conn.error = error
      conn.errorAt = performance.now()
    }
    conn.changes.emit('change')
  })
  socket.on('close', () => { conn.closed = true; conn.changes.emit('change') })
  t.after(() => socket.destroy())
  return conn
}

/** Resolves true as soon as `predicate(conn)` holds, false after `ms` ms. */
export function within (conn, ms, predicate) {
  return new Promise(resolve => {
    const timer = setTimeout(() => finish(false), ms)
    const check = () => { if (predicate(conn)) finish(true) }
    const finish = (result) => {
      clearTimeout(timer)
      conn.changes.off('change', check)
      resolve(result)
    }
    conn.changes.on('change', check)
    check()
  })
}

/**
 * The responses in `text`, in order, 1xx included; the last one only once its body is complete
 * (Content-Length framed: every answer of these tests is). `at` is where each one starts in `text`.
 */
export function responses (text) {
  const found = []
  let at = 0
  while (at < text.length) {
    const headEnd = text.indexOf('\r\n\r\n', at)
    if (headEnd === -1) break
    const [statusLine, ...lines] = text.slice(at, headEnd).split('\r\n')
    const headers = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const status = Number(statusLine.split(' ')[1])
    const length = status < 200 ? 0 : Number(headers['content-length'] ?? 0)
    if (text.length < headEnd + 4 + length) break
    found.push({ at, status, headers, body: text.slice(headEnd + 4, headEnd + 4 + length) })
    at = headEnd + 4 + length
  }
  return found
}

export const finalResponse = conn => responses(conn.text).find(response => response.status >= 200)

/** The head of an HTTP/1.1 request, Host first. */
export const head = (method, url, headers = {}) =>
  [`${method} ${url} HTTP/1.1`,
    ...Object.entries({ Host: 'localhost', ...headers }).map(([name, value]) => `${name}: ${value}`)]
    .join('\r\n') + '\r\n\r\n'
