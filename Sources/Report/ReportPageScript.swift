/// The report's own JavaScript: the before/after sliders and the 3D viewer (three.js r111,
/// inlined before it). The viewer reads the meshes from the `sider-meshes` JSON element,
/// renders on demand (no animation loop), and exposes `window.siderViewer` (`ready`,
/// `setMesh`, `setTextured`, `setLight`, `rotate`) for scripted checks.
enum ReportPageScript {
    static let text = #"""
(function () {
  'use strict';
  document.querySelectorAll('.compare').forEach(function (box) {
    var range = box.querySelector('input[type=range]');
    var top = box.querySelector('.compare-top');
    var bar = box.querySelector('.compare-bar');
    function update() {
      var v = range.value;
      top.style.clipPath = 'inset(0 ' + (100 - v) + '% 0 0)';
      bar.style.left = v + '%';
    }
    range.addEventListener('input', update);
    update();
  });

  var holder = document.getElementById('viewer');
  var dataNode = document.getElementById('sider-meshes');
  if (!holder || !dataNode || typeof THREE === 'undefined') { return; }
  var data = JSON.parse(dataNode.textContent);

  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out.buffer;
  }
  function geometry(m) {
    var g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(bytes(m.positions)), 3));
    if (m.uvs) { g.setAttribute('uv', new THREE.BufferAttribute(new Float32Array(bytes(m.uvs)), 2)); }
    g.setIndex(new THREE.BufferAttribute(new Uint32Array(bytes(m.indices)), 1));
    g.computeVertexNormals();
    g.computeBoundingSphere();
    return g;
  }

  var renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(window.devicePixelRatio || 1);
  holder.appendChild(renderer.domElement);
  var scene = new THREE.Scene();
  scene.background = new THREE.Color(0x1d2127);
  var camera = new THREE.PerspectiveCamera(30, 1, 0.001, 100);
  var grey = new THREE.MeshStandardMaterial({ color: 0xc8c8c8, roughness: 0.65, metalness: 0, side: THREE.DoubleSide });
  var textured = new THREE.MeshStandardMaterial({ color: 0xffffff, roughness: 0.8, metalness: 0, side: THREE.DoubleSide });
  var meshes = {};
  Object.keys(data.meshes).forEach(function (k) {
    meshes[k] = new THREE.Mesh(geometry(data.meshes[k]), grey);
    meshes[k].visible = false;
    scene.add(meshes[k]);
  });
  scene.add(new THREE.AmbientLight(0xffffff, 0.25));
  // The light moves with the camera (its direction is set relative to the view), so orbiting
  // never leaves the face in the dark; the sliders turn it around the view direction.
  var light = new THREE.DirectionalLight(0xffffff, 0.95);
  camera.add(light);
  light.target.position.set(0, 0, -1);
  camera.add(light.target);
  scene.add(camera);

  var radius = (meshes.detailed || meshes.coarse).geometry.boundingSphere.radius;
  var home = new THREE.Vector3(0, 0, radius / Math.tan((15 * Math.PI) / 180) * 1.15);
  camera.position.copy(home);
  var controls = new THREE.OrbitControls(camera, renderer.domElement);
  controls.enableDamping = false;
  controls.minDistance = radius * 0.5;
  controls.maxDistance = radius * 20;
  controls.addEventListener('change', render);

  var state = { mesh: data.initial, textured: false, azimuth: -35, elevation: 35 };
  var texture = null;

  function render() {
    var r = (state.azimuth * Math.PI) / 180, e = (state.elevation * Math.PI) / 180;
    light.position.set(Math.sin(r) * Math.cos(e), Math.sin(e), Math.cos(r) * Math.cos(e));
    Object.keys(meshes).forEach(function (k) {
      meshes[k].visible = k === state.mesh;
      var m = meshes[k];
      m.material = state.textured && texture && m.geometry.getAttribute('uv') ? textured : grey;
    });
    renderer.render(scene, camera);
  }
  function resize() {
    var w = holder.clientWidth, h = holder.clientHeight;
    renderer.setSize(w, h);
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    render();
  }
  window.addEventListener('resize', resize);

  function bindToggle(name, apply) {
    document.querySelectorAll('[data-' + name + ']').forEach(function (b) {
      b.addEventListener('click', function () {
        apply(b.getAttribute('data-' + name));
        document.querySelectorAll('[data-' + name + ']').forEach(function (o) { o.classList.toggle('on', o === b); });
        render();
      });
    });
  }
  bindToggle('mesh', function (v) { state.mesh = v; });
  bindToggle('material', function (v) { state.textured = v === 'textured'; });
  var az = document.getElementById('light-azimuth'), el = document.getElementById('light-elevation');
  function lightFromInputs() { state.azimuth = +az.value; state.elevation = +el.value; render(); }
  if (az && el) { az.addEventListener('input', lightFromInputs); el.addEventListener('input', lightFromInputs); }
  var reset = document.getElementById('view-reset');
  if (reset) { reset.addEventListener('click', function () { controls.reset(); render(); }); }

  var api = {
    ready: false,
    setMesh: function (k) { state.mesh = k; render(); },
    setTextured: function (on) { state.textured = !!on; render(); },
    setLight: function (a, e) { state.azimuth = a; state.elevation = e; render(); },
    rotate: function (degrees) {
      var q = new THREE.Quaternion().setFromAxisAngle(new THREE.Vector3(0, 1, 0), (degrees * Math.PI) / 180);
      camera.position.applyQuaternion(q); camera.lookAt(controls.target); controls.update(); render();
    },
    state: state
  };
  window.siderViewer = api;
  function finish() { state.textured = !!texture; document.querySelectorAll('[data-material]').forEach(function (o) {
      o.classList.toggle('on', (o.getAttribute('data-material') === 'textured') === state.textured); });
    resize(); controls.saveState(); api.ready = true; }
  if (data.texture) {
    var img = new Image();
    img.onload = function () {
      texture = new THREE.Texture(img);
      texture.anisotropy = renderer.capabilities.getMaxAnisotropy();
      texture.needsUpdate = true;
      textured.map = texture;
      textured.needsUpdate = true;
      finish();
    };
    img.onerror = function () { console.error('sider report: the texture image did not decode'); finish(); };
    img.src = data.texture;
  } else {
    finish();
  }
})();
"""#
}
