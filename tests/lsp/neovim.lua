-- Headless Neovim (0.7 or later) as the LSP client of `entraprov lsp`: opens the file given
-- on the command line, attaches the server with Neovim's own client (vim.lsp.start_client),
-- waits for the diagnostics it publishes and prints them, one JSON object per line, to the
-- file in $ENTRAPROV_NVIM_OUT. Usage:
--   ENTRAPROV_BIN=… ENTRAPROV_NVIM_OUT=… nvim --headless --clean -u neovim.lua manifest.yaml
local out = assert(os.getenv('ENTRAPROV_NVIM_OUT'), 'ENTRAPROV_NVIM_OUT is not set')
local function finish(lines, code)
  local f = assert(io.open(out, 'w'))
  f:write(table.concat(lines, '\n'), '\n')
  f:close()
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'entraprov',
    cmd = { os.getenv('ENTRAPROV_BIN'), 'lsp', '--stdio' },
    root_dir = vim.fn.getcwd(),
  })
  if not client_id then return finish({ 'error: the client did not start' }, 2) end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local got = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  if not got then return finish({ 'error: no diagnostics within 15 s' }, 3) end
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(lines, vim.fn.json_encode({
      line = d.lnum + 1, col = d.col + 1, severity = d.severity,
      code = lsp.code, source = d.source, message = d.message,
    }))
  end
  vim.lsp.stop_client(client_id)
  finish(lines, 0)
end })
