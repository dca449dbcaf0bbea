"""What each audited action is called in Vietnamese, for the audit page and `loaxa audit`.

The trail keeps the action's code (the panel or API endpoint, `cli.<command>`, with a sub-action after a colon, as
`admin.user_action:lock`); people read these labels. A code without its own label falls back to the label of its
endpoint, then to the code itself: a row is never hidden for want of a name.
"""

from __future__ import annotations

ACTION_LABELS = {
    # Sign-in
    "auth.login": "Đăng nhập", "auth.login_failed": "Đăng nhập sai", "auth.logout": "Đăng xuất",
    "stations.switch": "Chuyển sang đài khác", "i18n.switch_language": "Đổi ngôn ngữ",
    # Scripts, recordings, the audio library
    "scripts.new": "Viết bài mới", "scripts.edit": "Sửa bài", "scripts.render": "Tạo âm thanh giọng máy",
    "scripts.voice_style": "Đổi giọng đọc của bài", "scripts.upload_recording": "Tải lên bản ghi âm",
    "scripts.import_page": "Tải tệp lên để nhập bài", "scripts.import_confirm": "Nhập bài từ tệp", "scripts.import_cancel": "Hủy nhập bài",
    "scripts.spoken_preview": "Xem trước cách đọc",
    "approval.approve": "Duyệt bài", "approval.send_back": "Trả lại bài", "approval.recording_decision": "Duyệt hoặc trả lại bản ghi âm",
    "approval.recording_decision:duyet": "Duyệt bản ghi âm", "approval.recording_decision:tra-lai": "Trả lại bản ghi âm",
    "library.upload": "Tải lên tệp âm thanh",
    # Campaigns
    "campaigns.create": "Tạo chiến dịch", "campaigns.edit": "Sửa chiến dịch", "campaigns.approve": "Duyệt chiến dịch",
    "campaigns.copy": "Sao chép chiến dịch sang năm khác", "campaigns.pool": "Chọn bài cho chiến dịch",
    "campaigns.window_add": "Thêm khung giờ chiến dịch", "campaigns.window_remove": "Bỏ khung giờ chiến dịch",
    "campaigns.extra_add": "Thêm buổi phát tăng thời lượng", "campaigns.extra_remove": "Bỏ buổi phát tăng thời lượng",
    # Schedule, emergency, live
    "slots.create": "Thêm buổi phát hằng ngày", "slots.update": "Sửa buổi phát hằng ngày", "slots.delete": "Xóa buổi phát hằng ngày",
    "schedule.add_extra": "Thêm buổi phát một lần", "schedule.add_to_broadcast": "Thêm bài vào buổi phát",
    "schedule.reorder": "Đổi thứ tự trong buổi phát",
    "emergency.start": "Phát khẩn cấp",
    "live.start": "Bắt đầu phát trực tiếp", "live.stop": "Kết thúc phát trực tiếp", "live.station_input": "Phát trực tiếp từ micrô của đài",
    # Province bulletins, log, reports
    "bulletins.send": "Gửi bản tin tỉnh/huyện", "log.verify": "Kiểm tra nhật ký phát sóng",
    "reports.note": "Ghi phần hoạt động khác của báo cáo", "reports.download": "Tải báo cáo",
    # Settings, users, tokens
    "admin.save_station": "Sửa cài đặt đài", "admin.save_voices": "Đổi thứ tự giọng đọc", "admin.save_voice_style": "Đổi giọng máy của đài",
    "admin.save_live_who": "Đổi người được phát trực tiếp",
    "admin.zones": "Sửa cụm loa", "admin.zones:add": "Thêm cụm loa", "admin.zones:rename": "Đổi tên cụm loa", "admin.zones:remove": "Xóa cụm loa",
    "admin.lexicon": "Sửa từ điển cách đọc", "admin.lexicon:add": "Thêm từ vào từ điển cách đọc",
    "admin.lexicon:update": "Sửa từ trong từ điển cách đọc", "admin.lexicon:delete": "Xóa từ khỏi từ điển cách đọc",
    "admin.user_action": "Sửa người dùng", "admin.user_action:add": "Thêm người dùng", "admin.user_action:role": "Đổi vai trò người dùng",
    "admin.user_action:lock": "Khóa hoặc mở khóa người dùng", "admin.user_action:password": "Đặt lại mật khẩu",
    "tokens.create": "Tạo mã API", "tokens.revoke": "Thu hồi mã API",
    # The API (its token's name is the actor)
    "api_v1.script_create": "Thêm bài (API)", "api_v1.script_approve": "Duyệt bài (API)", "api_v1.script_import": "Nhập bài từ tệp (API)",
    "api_v1.recording_upload": "Tải lên bản ghi âm (API)", "api_v1.campaign_approve": "Duyệt chiến dịch (API)",
    "api_v1.slot_create": "Thêm buổi phát hằng ngày (API)", "api_v1.slot_remove": "Xóa buổi phát hằng ngày (API)",
    "api_v1.oneoff_create": "Thêm buổi phát một lần (API)", "api_v1.bulletin_send": "Gửi bản tin tỉnh/huyện (API)",
    "api_v1.bulletin_send_audio": "Gửi bản tin âm thanh tỉnh/huyện (API)",
    # The command line (`cli.` and the command's words joined by dots)
    "cli.user.add": "Thêm người dùng (dòng lệnh)", "cli.user.passwd": "Đặt mật khẩu (dòng lệnh)",
    "cli.user.grant": "Cấp vai trò (dòng lệnh)", "cli.user.revoke": "Thu hồi vai trò (dòng lệnh)",
    "cli.campaign.copy": "Sao chép chiến dịch (dòng lệnh)", "cli.campaign.approve": "Duyệt chiến dịch (dòng lệnh)",
    "cli.campaign.windows": "Đặt khung giờ chiến dịch (dòng lệnh)", "cli.campaign.extra": "Thêm buổi tăng thời lượng (dòng lệnh)",
    "cli.plan": "Lập lịch phát (dòng lệnh)", "cli.scripts.import": "Nhập bài từ tệp (dòng lệnh)", "cli.render": "Tạo âm thanh (dòng lệnh)",
    "cli.report": "Xuất báo cáo (dòng lệnh)", "cli.report.note": "Ghi phần hoạt động khác của báo cáo (dòng lệnh)",
    "cli.bulletin.send": "Gửi bản tin tỉnh/huyện (dòng lệnh)", "cli.station.create": "Tạo đài (dòng lệnh)",
    "cli.edge.token.create": "Tạo mã cho máy phát của xã (dòng lệnh)", "cli.edge.token.revoke": "Thu hồi mã máy phát của xã (dòng lệnh)",
    "cli.backup": "Sao lưu (dòng lệnh)", "cli.restore": "Khôi phục bản sao lưu (dòng lệnh)", "cli.demo": "Nạp đài mẫu (dòng lệnh)",
    "cli.simulate": "Chạy mô phỏng phát sóng (dòng lệnh)", "cli.check-speech": "Kiểm tra nghe (dòng lệnh)",
    "cli.slot.add": "Thêm buổi phát hằng ngày (dòng lệnh)", "cli.slot.remove": "Xóa buổi phát hằng ngày (dòng lệnh)",
    "cli.oneoff.add": "Thêm buổi phát một lần (dòng lệnh)", "cli.media.import": "Nhập tệp âm thanh (dòng lệnh)",
    "cli.receivers.add": "Thêm máy thu (dòng lệnh)", "cli.receivers.revoke": "Thu hồi máy thu (dòng lệnh)",
    "cli.live": "Phát trực tiếp từ micrô của đài (dòng lệnh)",
}


def action_label(code: str) -> str:
    """The Vietnamese name of an action's code: its own label, else its endpoint's (before the colon), else the code."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    return ACTION_LABELS.get(code.split(":", 1)[0], code)
