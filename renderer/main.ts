/**
 * The window's script: for now it shows which Pail is running.
 */
async function showInfo(): Promise<void> {
  const footer = document.querySelector('#app-info')
  if (!footer) return
  const result = await window.pail.appGetInfo()
  footer.textContent = result.ok ? `${result.value.name} ${result.value.version}` : result.error.message
}

void showInfo()
