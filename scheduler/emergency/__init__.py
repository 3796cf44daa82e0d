"""Emergency broadcasts ("phát tin khẩn"): issue to an area, deliver, prove every airing."""
