// Fills the on-site form's hidden position fields from the phone's location, with its reported accuracy;
// the server decides whether the fix is good enough to verify anything.
(function () {
  var form = document.getElementById("finding-form");
  var status = document.getElementById("locate-status");
  if (!form || !status) return;
  if (!("geolocation" in navigator)) { status.textContent = "此浏览器不提供定位，照片将按其自带位置核验。"; return; }
  status.textContent = "正在获取手机定位……";
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.latitude.value = pos.coords.latitude.toFixed(6);
    form.elements.longitude.value = pos.coords.longitude.toFixed(6);
    form.elements.accuracy_m.value = Math.round(pos.coords.accuracy);
    status.textContent = "已定位，精度约" + Math.round(pos.coords.accuracy) + "米。";
  }, function () {
    status.textContent = "未能获取手机定位，照片将按其自带位置核验。";
  }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
})();
