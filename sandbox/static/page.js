"use strict";
const ACTIONS = "C0ACTIONS01";
const state = { user: null, channel: ACTIONS, version: -1, key: "", modalId: null };
const $ = (sel) => document.querySelector(sel);

function channelId() {
  return state.channel === "dm" ? "D" + state.user.slice(1) : state.channel;
}

async function post(path, body) {
  const res = await fetch("/sandbox/" + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(Object.assign({ user: state.user }, body)),
  });
  return res.json();
}

async function refresh(force) {
  if (!state.user) return;
  const key = state.user + "|" + channelId();
  const res = await fetch("/sandbox/state?user=" + encodeURIComponent(state.user) + "&channel=" + encodeURIComponent(channelId()));
  const data = await res.json();
  if (!force && data.version === state.version && key === state.key) return;
  state.version = data.version;
  state.key = key;
  const box = $("#messages");
  const before = box.querySelectorAll(".message").length;
  box.innerHTML = data.messages;
  // A new message scrolls into view, as in Slack; a card updated in place stays where it is.
  if (force || box.querySelectorAll(".message").length > before) box.scrollTop = box.scrollHeight;
  showModal(data.modal);
  showChannels(data.channels || []);
}

function showChannels(channels) {
  const nav = document.querySelector("nav");
  for (const id of channels) {
    if (nav.querySelector('[data-channel="' + id + '"]')) continue;
    const link = document.createElement("a");
    link.href = "#";
    link.className = "channel";
    link.dataset.channel = id;
    link.textContent = "# " + id;
    nav.appendChild(link);
  }
}

function showModal(modal) {
  const dialog = $("#modal");
  if (!modal) {
    if (dialog.open) dialog.close();
    state.modalId = null;
    return;
  }
  if (state.modalId === modal.id) return;
  state.modalId = modal.id;
  dialog.innerHTML = modal.html;
  dialog.querySelector(".close").addEventListener("click", () => post("close", {}));
  dialog.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = {};
    dialog.querySelectorAll("input[name], textarea[name]").forEach((el) => { values[el.name] = el.value; });
    const answer = await post("submit", { view_id: modal.id, values });
    dialog.querySelectorAll(".error").forEach((el) => { el.textContent = ""; });
    if (answer.errors) {
      for (const [block, text] of Object.entries(answer.errors)) {
        const el = dialog.querySelector('[data-error-for="' + block + '"]');
        if (el) el.textContent = text;
      }
      return;
    }
    dialog.close();
    refresh(false);
  });
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector("input, textarea");
  if (first) first.focus();
}

function confirmFirst(confirm) {
  if (!confirm) return Promise.resolve(true);
  const dialog = $("#confirm");
  const text = (obj) => (obj && obj.text) || "";
  dialog.querySelector(".confirm-title").textContent = text(confirm.title) || "Are you sure?";
  dialog.querySelector(".confirm-text").innerHTML = confirm.html || "";
  dialog.querySelector(".accept").textContent = text(confirm.confirm) || "Yes";
  dialog.querySelector(".deny").textContent = text(confirm.deny) || "Cancel";
  dialog.querySelector(".accept").className = "button accept " + (confirm.style === "danger" ? "danger" : "primary");
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); resolve(answer); };
    dialog.querySelector(".accept").onclick = () => done(true);
    dialog.querySelector(".deny").onclick = () => done(false);
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
  });
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("#messages button[data-action-id]");
  if (!button) return;
  const confirm = button.dataset.confirm ? JSON.parse(button.dataset.confirm) : null;
  if (!(await confirmFirst(confirm))) return;
  const message = button.closest("[data-message-id]");
  await post("click", {
    message_id: Number(message.dataset.messageId),
    action_id: button.dataset.actionId,
    block_id: button.dataset.blockId || "",
    value: button.dataset.value || "",
    text: button.textContent,
  });
  refresh(false);
});

$("#composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("#message-box");
  const text = box.value.trim();
  if (!text) return;
  box.value = "";
  await post("command", { channel: channelId(), text });
  refresh(false);
});

$("#add-action").addEventListener("click", async () => {
  await post("add-action", {});
});

document.querySelector("nav").addEventListener("click", (event) => {
  const link = event.target.closest(".channel");
  if (!link) return;
  event.preventDefault();
  document.querySelectorAll(".channel").forEach((l) => l.classList.remove("active"));
  link.classList.add("active");
  state.channel = link.dataset.channel;
  $("#channel-title").textContent = link.textContent;
  refresh(true);
});

async function start() {
  const res = await fetch("/sandbox/people");
  const { people } = await res.json();
  const select = $("#person");
  for (const p of people) {
    const option = document.createElement("option");
    option.value = p.id;
    option.textContent = p.label;
    select.appendChild(option);
  }
  state.user = people[0].id;
  select.addEventListener("change", () => { state.user = select.value; state.modalId = null; refresh(true); });
  await refresh(true);
  setInterval(() => refresh(false).catch(() => {}), 700);
}
start();
