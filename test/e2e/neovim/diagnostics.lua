-- Neovim as a second, non-VS Code LSP client: starts `node dist/server.js --stdio`, attaches it to the current
-- buffer (sample.py), and prints what the server publishes, before and after an edit. Run by
-- scripts/e2e/neovim.mjs, which compares the output with the expected findings.
--
-- Written for Debian 12's Neovim 0.7.2: no vim.lsp.start (0.8+), so start_client + buf_attach_client.
-- Output goes through io.stdout: under --headless, print() writes to stderr.
-- Each line: `<phase> <line>:<column> <rule-id> <SEVERITY>` (1-based, as the CLI prints), or `FAIL <reason>`.
local node = assert(os.getenv('PERFLENS_NODE'), 'PERFLENS_NODE is not set')
local server = assert(os.getenv('PERFLENS_SERVER'), 'PERFLENS_SERVER is not set')
local timeout = tonumber(os.getenv('PERFLENS_NVIM_TIMEOUT_MS') or '15000')
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)

local function fail(reason)
  io.stdout:write('FAIL ' .. reason .. '\n')
  vim.cmd('cquit 1')
end

-- Count the server's publishes for this file, so each phase waits for a fresh one (not for a fixed time).
-- The document version of the last publish too: a second publish for the opened text (the server re-lints open files
-- once it has read the project's configuration) must not pass for the edit's.
local published = 0
local published_version = -1
local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  default_handler(err, result, ctx, config)
  if result and result.uri == uri then
    published = published + 1
    published_version = result.version or published_version
  end
end

local function report(phase, seen_before, min_version)
  local arrived = vim.wait(timeout, function() return published > seen_before and published_version >= (min_version or -1) end, 20)
  if not arrived then fail(('%s: the server published no diagnostics within %d ms'):format(phase, timeout)) end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    io.stdout:write(('%s %d:%d %s %s\n'):format(phase, d.lnum + 1, d.col + 1, tostring(d.code), vim.diagnostic.severity[d.severity]))
  end
  return published
end

local client_id = vim.lsp.start_client({
  name = 'perflens',
  cmd = { node, server, '--stdio' },
  root_dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':h'),
  on_exit = function(code) if code ~= 0 then fail('the server exited with code ' .. code) end end,
})
if not client_id then fail('vim.lsp.start_client returned nil') end
vim.lsp.buf_attach_client(bufnr, client_id)
local seen = report('open', 0)

-- Fix the blocking sleep on line 14 the way a user would, as an incremental didChange.
local line = vim.api.nvim_buf_get_lines(bufnr, 13, 14, true)[1]
if line ~= '        time.sleep(0.5)' then fail('line 14 of the fixture is ' .. vim.inspect(line)) end
vim.api.nvim_buf_set_lines(bufnr, 13, 14, true, { '        await asyncio.sleep(0.5)' })
report('edit', seen, vim.api.nvim_buf_get_changedtick(bufnr))

vim.lsp.stop_client(client_id)
vim.cmd('qall!')
