# Runs one aws:executeScript PowerShell script as AWS does: the InputPayload is in
# $env:InputPayload (JSON); the last object the script outputs becomes the step's Payload,
# written as JSON to RESULT_JSON; the script's exit code is this process's.
# Invoked as: pwsh -File runner.ps1 SCRIPT RESULT_JSON
param([string]$Script, [string]$ResultPath)
$ErrorActionPreference = 'Stop'
try {
  $output = @(& $Script)
  $code = if ($null -ne $LASTEXITCODE) { $LASTEXITCODE } else { 0 }
  $payload = if ($output.Count -gt 0) { $output[-1] } else { @{} }
  @{ ok = $true; payload = $payload } | ConvertTo-Json -Depth 32 -Compress | Set-Content -Path $ResultPath -Encoding utf8
  exit $code
} catch {
  Write-Error $_
  @{ ok = $false; error = "$($_.Exception.GetType().Name): $($_.Exception.Message)" } | ConvertTo-Json -Compress | Set-Content -Path $ResultPath -Encoding utf8
  exit 1
}
