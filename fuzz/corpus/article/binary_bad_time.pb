
bin-2Out of range:€ƒÑÿ¯ÿÿÿÿÿÿÿÿÿ