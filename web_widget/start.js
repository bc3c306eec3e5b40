// Staff start page: log in, choose a pupil and a conversation, open the tablet link.
const statusLine = document.getElementById("status");

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || "Something went wrong.");
  return data;
}

function option(select, value, text) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = text;
  select.append(item);
}

async function showStart() {
  const {pupils} = await api("/api/pupils");
  const {encounters} = await api("/api/encounters");
  const pupilSelect = document.getElementById("pupil");
  pupils.forEach((p) => option(pupilSelect, p.id, p.name));
  encounters.forEach((e) => option(document.getElementById("encounter"), e.id, `${e.title} (${e.date})`));
  document.getElementById("login").hidden = true;
  document.getElementById("start").hidden = false;
}

document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await api("/api/login", {email: document.getElementById("email").value,
                             password: document.getElementById("password").value});
    await showStart();
  } catch (error) { statusLine.textContent = error.message; }
});

document.getElementById("start").addEventListener("submit", async (event) => {
  event.preventDefault();
  const encounter = document.getElementById("encounter").value;
  try {
    const session = await api("/api/sessions", {
      pupil_id: Number(document.getElementById("pupil").value),
      conversation: document.getElementById("conversation-kind").value,
      encounter_id: encounter ? Number(encounter) : null,
    });
    location.href = session.tablet_url;
  } catch (error) { statusLine.textContent = error.message; }
});

api("/api/pupils").then(() => showStart()).catch(() => {});
