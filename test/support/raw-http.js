import net from 'node:net'

/**
 * Sends `request` (a string or Buffer, written as is) to 127.0.0.1:`port` and reads until the server ends
 * the connection. For request targets and bytes `app.inject()` refuses or normalises (`*`, `..`, NUL,
 * absolute-form, lowercase methods). Rejects after `timeout` ms so that a hung server fails the test.
 * Resolves `{ status, headers, body, raw }`, `status` null when the server closed without a response.
 */
export function rawRequest (port, request, { timeout = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const chunks = []
    const socket = net.connect({ port, host: '127.0.0.1' })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`raw request timed out after ${timeout} ms: ${JSON.stringify(String(request).slice(0, 80))}`))
    }, timeout)
    socket.on('connect', () => socket.end(request))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', (error) => {
      clearTimeout(timer)
      // A reset after the response arrived is a closed connection, not a failure.
      if (chunks.length > 0 && error.code === 'ECONNRESET') resolve(parseResponse(Buffer.concat(chunks)))
      else reject(error)
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(parseResponse(Buffer.concat(chunks)))
    })
  })
}

/** Builds a request with `Connection: close` and a Host header: `method target HTTP/1.1`. */
export function rawRequestText (method, target, headers = {}) {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: localhost', 'Connection: close']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

function parseResponse (buffer) {
  const raw = buffer.toString('latin1')
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) return { status: null, headers: {}, body: '', raw }
  const [statusLine, ...headerLines] = raw.slice(0, end).split('\r\n')
  const headers = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  let body = buffer.subarray(Buffer.byteLength(raw.slice(0, end + 4), 'latin1'))
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body)
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8'), raw }
}

function dechunk (buffer) {
  const parts = []
  let offset = 0
  while (offset < buffer.length) {
    const lineEnd = buffer.indexOf('\r\n', offset)
    if (lineEnd === -1) break
    const size = parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return Buffer.concat(parts)
}
